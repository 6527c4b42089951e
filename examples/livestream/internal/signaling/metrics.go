package signaling

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	// connections has one name part: no application prefix.
	connections = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "connections",
		Help: "Open signaling WebSocket connections.",
	})

	messages = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "livestream_signaling_messages_total",
		Help: "Signaling messages received, by message type.",
	}, []string{"type"})

	messageSize = promauto.NewHistogram(prometheus.HistogramOpts{
		Name:    "livestream_signaling_message_size_bytes",
		Help:    "Size of the signaling messages received.",
		Buckets: prometheus.ExponentialBuckets(64, 4, 6),
	})

	// httpRequests is defined again in cmd/server.
	httpRequests = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "livestream_http_requests_total",
		Help: "HTTP requests served, by method and status code.",
	}, []string{"method", "code"})

	httpDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "livestream_http_request_duration_seconds",
		Help:    "Latency of the HTTP requests served, by method.",
		Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
	}, []string{"method"})
)
