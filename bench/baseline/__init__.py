"""The baseline of scenarios 1, 2 and 5: a minimal Django project on the bench database.

Two views and nothing else (no sessions, no auth, no templates, one middleware-free
stack), served by bench/serve.py exactly as Vikno is:

- ``GET /``: reads one row (the first category of Vikno's reference table, by primary
  key) and answers it as a small JSON object: what the cheapest useful read view costs;
- ``POST /rows``: inserts one row into its own table ``bench_baseline_row`` and answers
  201 with its id: the cheapest useful write view (the fair baseline for registration).
"""
