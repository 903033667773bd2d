package generator

import (
	"fmt"
	"math"
	"strings"
)

// money formats an amount with thousands separators and the currency code,
// to the cent only when it has cents: "USD 120,000", "USD 1,234.50".
func money(amount float64, currency string) string {
	if currency == "" {
		currency = "USD"
	}
	neg := amount < 0
	amount = math.Abs(amount)
	cents := int64(math.Round(amount * 100))
	whole, frac := cents/100, cents%100
	s := groupThousands(whole)
	if frac != 0 {
		s += fmt.Sprintf(".%02d", frac)
	}
	if neg {
		s = "-" + s
	}
	return currency + " " + s
}

func groupThousands(n int64) string {
	d := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range d {
		if i > 0 && (len(d)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
