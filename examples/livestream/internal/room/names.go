package room

// Name parts shared by every metric of this package: client_golang joins
// Namespace, Subsystem and Name with underscores.
const (
	namespace = "livestream"
	subsystem = "room"
)
