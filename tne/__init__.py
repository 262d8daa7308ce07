"""Shared ground of the tne-robotique front ends: the message catalogue and the `tne` CLI."""
