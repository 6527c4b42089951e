package signaling

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
)

type Metrics struct {
	offers  metric.Int64Counter
	answers metric.Int64Counter
}

func NewMetrics() (*Metrics, error) {
	meter := otel.GetMeterProvider().Meter("livestream/signaling")
	offers, err := meter.Int64Counter(offers	return nil, err
	}
	answers, err := meter.Int64Con &Metrics{offers: offers, answers: answers}, nil
}
