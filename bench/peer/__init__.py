"""The peer of the benchmarks: django-helpdesk in its own throwaway venv.

Nothing here is imported by Vikno. Two sides:

- inside the peer's venv (its Django, django-helpdesk and uvicorn, pinned in
  bench/peer/requirements.txt): ``settings``, ``urls``, ``asgi`` (the tiny project that
  serves django-helpdesk) and ``tool`` (``python -m bench.peer.tool setup|load|set-open``:
  migrate, the staff user and its token, the fast ticket loader);
- inside the bench's process: ``harness`` (create or reuse the venv, the peer's own
  database on the run's engine, call the tool, serve the peer).
"""
