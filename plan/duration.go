package plan

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a plan duration. Plans write them as strings with the units
// ms, s, m, h, d and w ("60s", "5m", "1h30m", "90d"), because DR objectives
// and cadences are naturally stated in days and weeks, which Go's
// time.ParseDuration does not accept.
type Duration struct {
	time.Duration
}

var durationUnits = []struct {
	suffix string
	unit   time.Duration
}{
	// "ms" before "m" so that the longer suffix wins.
	{"ms", time.Millisecond},
	{"s", time.Second},
	{"m", time.Minute},
	{"h", time.Hour},
	{"d", 24 * time.Hour},
	{"w", 7 * 24 * time.Hour},
}

// ParseDuration parses a plan duration string.
func ParseDuration(s string) (Duration, error) {
	if s == "" {
		return Duration{}, fmt.Errorf("empty duration")
	}
	var total time.Duration
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 {
			return Duration{}, fmt.Errorf("invalid duration %q: expected a number", s)
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil {
			return Duration{}, fmt.Errorf("invalid duration %q: %v", s, err)
		}
		rest = rest[i:]
		matched := false
		for _, u := range durationUnits {
			if strings.HasPrefix(rest, u.suffix) {
				if n > int64((1<<63-1)/u.unit) {
					return Duration{}, fmt.Errorf("invalid duration %q: too large", s)
				}
				add := time.Duration(n) * u.unit
				if total > (1<<63-1)-add {
					return Duration{}, fmt.Errorf("invalid duration %q: too large", s)
				}
				total += add
				rest = rest[len(u.suffix):]
				matched = true
				break
			}
		}
		if !matched {
			return Duration{}, fmt.Errorf("invalid duration %q: unknown unit (use ms, s, m, h, d or w)", s)
		}
	}
	return Duration{total}, nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText writes the canonical form, so a duration round-trips.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String formats the duration in the largest units that divide it exactly,
// e.g. 90d, 1h30m, 60s written as 1m. The canonical form is what sign-off
// digests are computed over, so "60s" and "1m" approve the same objective.
func (d Duration) String() string {
	v := d.Duration
	if v == 0 {
		return "0s"
	}
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
		v = -v
	}
	for i := len(durationUnits) - 1; i >= 0; i-- {
		u := durationUnits[i]
		// Weeks read badly for anything but whole weeks; keep days.
		if u.suffix == "w" && v%u.unit != 0 {
			continue
		}
		if n := v / u.unit; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.suffix)
			v -= n * u.unit
		}
	}
	return b.String()
}

// Human formats the duration for people: "60 s", "5 min", "4 h", "90 days";
// a figure no single unit states exactly is given in its parts, "11 min 40
// s" within a day and in words beyond, "90 days and 1 hour"; never "90d1h".
func (d Duration) Human() string {
	v := d.Duration
	switch {
	case v == 0:
		return "0"
	case v < 0:
		return "-" + Duration{-v}.Human()
	case v%(24*time.Hour) == 0:
		return plural(int64(v/(24*time.Hour)), "day")
	case v%time.Hour == 0 && v < 48*time.Hour:
		return fmt.Sprintf("%d h", v/time.Hour)
	case v%time.Second == 0 && v < 2*time.Minute:
		return fmt.Sprintf("%d s", v/time.Second)
	case v%time.Minute == 0 && v < 2*time.Hour:
		return fmt.Sprintf("%d min", v/time.Minute)
	case v < time.Second:
		// Measured on one machine, a failover takes milliseconds.
		return fmt.Sprintf("%d ms", v/time.Millisecond)
	case v < time.Minute:
		return strconv.FormatFloat(v.Seconds(), 'f', -1, 64) + " s"
	}
	if v >= 24*time.Hour {
		// Days read as words: "90 days and 1 hour".
		var parts []string
		for _, u := range []struct {
			unit time.Duration
			name string
		}{{24 * time.Hour, "day"}, {time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}, {time.Millisecond, "millisecond"}} {
			if n := v / u.unit; n > 0 {
				parts = append(parts, plural(int64(n), u.name))
				v -= n * u.unit
			}
		}
		return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	// Within a day, the short units of the single-unit forms: "3 h 5 min",
	// "11 min 40 s".
	var parts []string
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "min"}, {time.Second, "s"}, {time.Millisecond, "ms"}} {
		if n := v / u.unit; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, u.name))
			v -= n * u.unit
		}
	}
	return strings.Join(parts, " ")
}

// plural writes a count of a unit: "1 day", "90 days".
func plural(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
