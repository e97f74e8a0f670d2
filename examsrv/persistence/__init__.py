"""Persistence: tables, the engine, migrations and the queries the web layer needs.

Domain packages (``timing``, ``itembank``) never import this package.
"""
