"""Observability page: the agent's traffic, latency, errors, explanation sources and segments, from CloudWatch.

The logic lives in `dashboard.observability`; this file only puts it on the page.
"""

from dashboard.observability.view import render_page

render_page()
