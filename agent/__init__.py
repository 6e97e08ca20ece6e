"""The Customer Segment Agent: the AgentCore runtime around the rule engine."""
