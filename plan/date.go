package plan

import (
	"fmt"
	"strconv"
	"time"
)

// Date is a calendar date (YYYY-MM-DD) at midnight UTC. Plans record review
// and drill dates, never wall-clock times, so that rendering is reproducible.
type Date struct {
	time.Time
}

// ParseDate parses YYYY-MM-DD and rejects impossible dates such as 2026-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("invalid date %q: want YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String formats the date as YYYY-MM-DD; the zero date prints as "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// Add returns the date d plus the duration, truncated to the day.
func (d Date) Add(v Duration) Date {
	return Date{d.Time.Add(v.Duration).Truncate(24 * time.Hour)}
}

// UnmarshalJSON reads a JSON string date. It shadows time.Time's method,
// which wants a full RFC 3339 timestamp.
func (d *Date) UnmarshalJSON(b []byte) error {
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return fmt.Errorf("invalid date %s: want a string YYYY-MM-DD", b)
	}
	return d.UnmarshalText([]byte(s))
}

// MarshalJSON writes the date as a JSON string YYYY-MM-DD.
func (d Date) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(d.String())), nil }
