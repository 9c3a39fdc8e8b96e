"""Adapters: the ports of rtutils_core implemented over real technology and in memory."""
