"""Settings, from the environment (prefix ``NEWSLEDGER_``) or a ``.env`` file.

Every path is resolved against the project root, never the working directory.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSLEDGER_", env_file=PROJECT_ROOT / ".env", extra="ignore")

    warehouse: Path = Field(PROJECT_ROOT / "warehouse" / "newsledger.duckdb",
                            description="The DuckDB warehouse file.")
    sample_dir: Path = Field(PROJECT_ROOT / "data" / "sample",
                             description="Default input when ingest gets no path.")
    batch_size: int = Field(2000, ge=1, description="Articles per transform task.")
    max_file_bytes: int = Field(20_000_000, ge=1,
                                description="Files larger than this are quarantined.")
    lock_timeout_s: float = Field(600.0, ge=0,
                                  description="How long a run waits for another run's lock.")
    quarantine_alert_share: float = Field(0.2, ge=0, le=1,
                                          description="Alert when a run quarantines more than this share of its files.")
    build_data_docs: bool = Field(True, description="Build GX Data Docs on every run (warehouse/docs/).")
    alert_webhook_url: str | None = Field(None, description="POST alerts as JSON here (optional).")
    task_runner: Literal["thread", "process", "dask"] = Field(
        "thread", description="Parse stage runner: thread (default), process (one process per worker) or dask.")
    parse_workers: int = Field(2, ge=1, description="Parse processes or threads (process and thread runners).")
    parse_children: bool = Field(True, description="Thread runner, more than one batch: each parse thread hands its "
                                                   "batch's transforms to a child process of its own, so they use "
                                                   "every core; false parses in the run's process.")
    derive_workers: int = Field(2, ge=1, description="Processes that derive facts, a chunk of whole stories "
                                                     "each (1: in the run's own process).")
    validate_scope: Literal["run", "all"] = Field(
        "run", description="What the per-document checks (offsets into a document's text) validate: "
                           "'run', the documents this run loaded (the others were validated by the "
                           "run that loaded them and are never written again); 'all', every row.")
    duckdb_memory_limit: str = Field("256MB", pattern=r"^\d+(\.\d+)?\s*[KMGT]i?B$",
                                     description="DuckDB's buffer pool limit during a run (e.g. 256MB, 1GB; at most "
                                                 "128MB while the parsed batches load); beyond it DuckDB "
                                                 "spills to disk. Counts in the run's memory.")
    dask_address: str | None = Field(None, description="Existing Dask scheduler; else a local cluster.")
    dask_workers: int = Field(2, ge=1, description="Workers of the local Dask cluster.")

    @field_validator("warehouse", "sample_dir", mode="after")
    @classmethod
    def _absolute(cls, v: Path) -> Path:
        return v if v.is_absolute() else (PROJECT_ROOT / v)

    @property
    def warehouse_dir(self) -> Path:
        return self.warehouse.parent

    @property
    def quarantine_dir(self) -> Path:
        return self.warehouse_dir / "quarantine"

    @property
    def docs_dir(self) -> Path:
        return self.warehouse_dir / "docs"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
