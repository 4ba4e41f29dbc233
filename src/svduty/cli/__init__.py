"""Thin Typer commands: parse, call the layers, print with Rich."""
