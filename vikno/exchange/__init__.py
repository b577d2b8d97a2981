"""Exchange of appeals with other contact centers (format vikno-exchange/1, docs/exchange.md)."""
