"""Pure transforms: text and frames in, frames out. No files, clocks, settings, Prefect, DuckDB or GX."""
