"""Announce: debouncing, phrasing and modes; decides what is worth saying."""
