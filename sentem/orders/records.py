"""Registry entries for orders, payments, cancellations and refunds."""
