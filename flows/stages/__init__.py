"""Stage services: what the Prefect tasks of each stage call (no Prefect here)."""
