"""What each workspace spends on providers (LLM tokens, SMS, WhatsApp, email), and its quotas."""
