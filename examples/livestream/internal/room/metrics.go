package room

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	// joins is livestream_room_joins_total, composed from names.go.
	joins = promauto.NewCounter(prometheus.CounterOpts{
		Namespace: namespace,
		Subsystem: subsystem,
		Name:      "joins_total",
		Help:      "Viewers admitted into a room.",
	})

	// leaves is livestream_room_leaves: a counter without `_total`.
	leaves = promauto.NewCounter(prometheus.CounterOpts{
		Namespace: namespace,
		Subsystem: subsystem,
		Name:      "leaves",
		Help:      "Viewers who left a room.",
	})

	// openRooms is a gauge whose name ends in `_total`.
	openRooms = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "livestream_room_open_total",
		Help: "Rooms currently open.",
	})

	// viewers keeps one series per room, and nothing ever deletes them.
	viewers = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: namespace,
		Subsystem: subsystem,
		Name:      "viewers",
		Help:      "Viewers currently watching, per room.",
	}, []string{"room_id"})

	joinDuration = promauto.NewHistogram(prometheus.HistogramOpts{
		Namespace: namespace,
		Subsystem: subsystem,
		Name:      "join_duration_seconds",
		Help:      "Time to admit a viewer into a room.",
		Buckets:   []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1},
	})
)

// newEventCounter makes one counter per kind of room event: the kind ends up
// in the metric name instead of in a label.
func newEventCounter(kind string) prometheus.Counter {
	return promauto.NewCounter(prometheus.CounterOpts{
		Name: fmt.Sprintf("livestream_room_%s_total", kind),
		Help: "Room events of one kind.",
	})
}
