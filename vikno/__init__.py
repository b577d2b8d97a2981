"""Vikno: the appeals platform of a city contact center and services center."""
