// Package room keeps track of live rooms and of the viewers in them.
package room

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

var tracer = otel.Tracer("example.com/livestream/internal/room")

var kicks = newEventCounter("kick")

// ErrRoomClosed is returned when a viewer joins a room that has ended.
var ErrRoomClosed = errors.New("room closed")

// Room is one live broadcast.
type Room struct {
	ID      string
	viewers map[string]struct{}
}

// Manager owns every open room.
type Manager struct {
	mu    sync.Mutex
	rooms map[string]*Room
}

// NewManager returns a Manager without rooms.
func NewManager() *Manager {
	return &Manager{rooms: make(map[string]*Room)}
}

// Open starts a room.
func (m *Manager) Open(roomID string) *Room {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := &Room{ID: roomID, viewers: make(map[string]struct{})}
	m.rooms[roomID] = r
	openRooms.Inc()
	return r
}

// Join admits a viewer into a room.
func (m *Manager) Join(ctx context.Context, roomID, viewerID string) error {
	_, span := tracer.Start(ctx, "room.join",
		trace.WithAttributes(attribute.String("room_id", roomID)))
	defer span.End()
	start := time.Now()

	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.rooms[roomID]
	if !ok {
		span.RecordError(ErrRoomClosed)
		span.SetStatus(codes.Error, "room closed")
		return ErrRoomClosed
	}
	r.viewers[viewerID] = struct{}{}
	joins.Inc()
	viewers.WithLabelValues(roomID).Inc()
	joinDuration.Observe(time.Since(start).Seconds())
	return nil
}

// Leave removes a viewer from a room.
func (m *Manager) Leave(ctx context.Context, roomID, viewerID string) {
	_, span := tracer.Start(ctx, "room.leave",
		trace.WithAttributes(attribute.String("room_id", roomID)))
	defer span.End()

	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.rooms[roomID]
	if !ok {
		return
	}
	if _, watching := r.viewers[viewerID]; watching {
		delete(r.viewers, viewerID)
		leaves.Inc()
		viewers.WithLabelValues(roomID).Dec()
	}
}

// Kick removes a viewer who broke the room's rules.
func (m *Manager) Kick(ctx context.Context, roomID, viewerID string) {
	m.Leave(ctx, roomID, viewerID)
	kicks.Inc()
}

// Close ends a room and disconnects its viewers.
func (m *Manager) Close(ctx context.Context, roomID string) {
	_, span := tracer.Start(ctx, "room.close",
		trace.WithAttributes(attribute.String("room_id", roomID)))
	defer span.End()

	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.rooms[roomID]; ok {
		delete(m.rooms, roomID)
		openRooms.Dec()
	}
}
