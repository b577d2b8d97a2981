"""Outside systems Vikno talks to, one package each: `client`, `types`, `exceptions`.

Nothing else in Vikno opens a socket to an outside system; services call these clients
after commit (through the durable queue), and tests point them at local servers.
"""
