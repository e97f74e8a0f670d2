"""The web layer: HTTP pages, htmx fragments and the trial websocket.

It adapts requests to the domain packages and the persistence package and holds
no rules of its own.
"""
