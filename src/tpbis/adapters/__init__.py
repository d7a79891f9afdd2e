"""Adapters at the edge: files, Google Sheets and Forms. Only here may I/O libraries be imported."""
