package gift

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	// sent has a user_id label: one series per sender, forever.
	sent = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "livestream_gift_sent_total",
		Help: "Gifts sent, by gift type and sender.",
	}, []string{"gift_type", "user_id"})

	coinsSpent = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "livestream_gift_coins_spent_total",
		Help: "Coins spent on gifts, by gift type.",
	}, []string{"gift_type"})

	// sendDuration is measured in milliseconds instead of seconds.
	sendDuration = promauto.NewHistogram(prometheus.HistogramOpts{
		Name:    "livestream_gift_send_duration_milliseconds",
		Help:    "Time to deliver a gift to its room.",
		Buckets: []float64{5, 10, 25, 50, 100, 250, 500, 1000},
	})

	animationSize = promauto.NewHistogram(prometheus.HistogramOpts{
		Name:    "livestream_gift_animation_size_bytes",
		Help:    "Size of the gift animations pushed to viewers.",
		Buckets: prometheus.ExponentialBuckets(1024, 4, 6),
	})

	// activeCombos is named in camelCase.
	activeCombos = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "livestream_gift_activeCombos",
		Help: "Gift combos currently running.",
	})

	// refunds has no Help.
	refunds = promauto.NewCounter(prometheus.CounterOpts{
		Name: "livestream_gift_refunds_total",
	})
)
