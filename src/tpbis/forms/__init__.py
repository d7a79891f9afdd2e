"""The reporting form as data: schema, recorded question ids, and drift checks (pure, no I/O)."""
