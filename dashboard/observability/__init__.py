"""The Observability page's logic: configuration, the CloudWatch metrics reader, frames and charts.

`config` says where the metrics are and what is missing; `window` picks the time range and period; `queries`
lists the GetMetricData queries (our namespace and AgentCore's built-in runtime metrics); `reader` runs them;
`snapshot` reads one window of everything; `frames` turns the results into tidy DataFrames (pure functions);
`charts` draws Plotly figures; `view` puts them on the page.
"""
