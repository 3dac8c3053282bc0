"""Invoice distribution: each send of a customer invoice by its channel, with status and retries."""
