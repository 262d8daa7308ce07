"""The `tne` command line."""
