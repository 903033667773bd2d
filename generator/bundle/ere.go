package bundle

import (
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ERE translates an RE2 pattern (what the plan writes and drplan run
// checks) into a POSIX extended regular expression with the awk escapes
// \n and \\, matched by run.sh's awk against the whole output, so that the
// standalone runner and drplan run agree on every output: `.` does not
// cross a line unless the pattern says (?s), ^ and $ are the ends of the
// output unless it says (?m), \d \s \w and (?i) become bracket
// expressions, and counted repeats are spelled out for awks without
// interval expressions. ok is false for what POSIX cannot say (\b, \B,
// classes beyond ASCII); run.sh then leaves the check to the engineer.
func ERE(expr string) (ere string, ok bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	if !writeERE(&b, re.Simplify()) {
		return "", false
	}
	// A pattern expanded past any reasonable size is not worth a check.
	if b.Len() > 8192 {
		return "", false
	}
	return b.String(), true
}

// ereAwk is run.sh's check: the whole output, every line ended by a
// newline, against the ERE in $DRPLAN_ERE (read from the environment so
// that awk does not process its backslashes a second time). Exit 0 match,
// 1 no match, 2 an awk that cannot read the expression.
const ereAwk = `{ s = s $0 "\n" } END { exit !(s ~ ENVIRON["DRPLAN_ERE"]) }`

const ereSpecial = `\^$.[]|()*+?{}/`

func writeERE(b *strings.Builder, re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 && unicode.IsLetter(r) && r < utf8.RuneSelf {
				b.WriteString("[" + string(unicode.ToLower(r)) + string(unicode.ToUpper(r)) + "]")
				continue
			}
			writeRune(b, r)
		}
	case syntax.OpCharClass:
		return writeClass(b, re.Rune)
	case syntax.OpAnyCharNotNL:
		b.WriteString(`[^\n]`)
	case syntax.OpAnyChar:
		b.WriteString(`(.|\n)`)
	case syntax.OpBeginText:
		b.WriteString("^")
	case syntax.OpEndText:
		b.WriteString("$")
	case syntax.OpBeginLine:
		b.WriteString(`(^|\n)`)
	case syntax.OpEndLine:
		b.WriteString(`(\n|$)`)
	case syntax.OpCapture:
		b.WriteString("(")
		if !writeERE(b, re.Sub[0]) {
			return false
		}
		b.WriteString(")")
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
		// Laziness does not change whether the output matches.
		b.WriteString("(")
		if !writeERE(b, re.Sub[0]) {
			return false
		}
		b.WriteString(")" + map[syntax.Op]string{syntax.OpStar: "*", syntax.OpPlus: "+", syntax.OpQuest: "?"}[re.Op])
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !writeERE(b, s) {
				return false
			}
		}
	case syntax.OpAlternate:
		b.WriteString("(")
		for i, s := range re.Sub {
			if i > 0 {
				b.WriteString("|")
			}
			if !writeERE(b, s) {
				return false
			}
		}
		b.WriteString(")")
	default:
		// Word boundaries, empty matches, no-match: POSIX has no word for
		// them.
		return false
	}
	return true
}

func writeRune(b *strings.Builder, r rune) {
	switch {
	case r == '\n':
		b.WriteString(`\n`)
	case strings.ContainsRune(ereSpecial, r):
		b.WriteString(`\` + string(r))
	default:
		b.WriteRune(r)
	}
}

// writeClass writes a bracket expression for the rune ranges of an RE2
// class (pairs lo, hi). A class reaching beyond ASCII is written as the
// complement of its ASCII part when that complement is ASCII; awks that
// read bytes could not agree with RE2 otherwise.
func writeClass(b *strings.Builder, ranges []rune) bool {
	if len(ranges) == 0 {
		return false
	}
	negate := false
	if ranges[len(ranges)-1] == unicode.MaxRune {
		// Complement: what the class leaves out, all of it ASCII.
		var comp []rune
		next := rune(0)
		for i := 0; i < len(ranges); i += 2 {
			if ranges[i] > next {
				comp = append(comp, next, ranges[i]-1)
			}
			next = ranges[i+1] + 1
		}
		ranges, negate = comp, true
		if len(ranges) == 0 {
			b.WriteString(`(.|\n)`)
			return true
		}
	}
	var items []string
	for i := 0; i < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		if hi >= utf8.RuneSelf {
			return false
		}
		if lo == hi {
			items = append(items, classRune(lo))
		} else {
			items = append(items, classRune(lo)+"-"+classRune(hi))
		}
	}
	b.WriteString("[")
	if negate {
		b.WriteString("^")
	}
	b.WriteString(strings.Join(items, ""))
	b.WriteString("]")
	return true
}

// classRune writes one rune inside a bracket expression with awk's
// escapes, so that ], -, ^ and \ are literal wherever they stand.
func classRune(r rune) string {
	switch r {
	case '\n':
		return `\n`
	case ']', '-', '^', '\\', '[':
		return `\` + string(r)
	}
	return string(r)
}
