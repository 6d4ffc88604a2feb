"""Operations: health and readiness probes for the load balancer."""
