"""Orchestration: Prefect flows and thin tasks, the CLI and settings."""
