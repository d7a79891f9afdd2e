"""Reading submitted rows and registries into domain values."""
