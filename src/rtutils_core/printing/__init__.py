"""Printing labels straight to printers: the printer list, print jobs, ports and services."""
