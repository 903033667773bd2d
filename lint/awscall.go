package lint

import (
	"regexp"
	"strings"
)

// awsCall is one invocation of the AWS CLI found in a step's shell command.
type awsCall struct {
	// Service and Op are the CLI's service and operation: route53,
	// change-resource-record-sets. Op is "" when the command names none.
	Service, Op string
	// Region is the --region the call names (or AWS_REGION set on it), ""
	// when it names none or takes it from a variable: the region is then
	// not known from the text.
	Region string
	// Tolerated is set when the script goes on if the call fails: it is
	// the condition of an if, or the left side of ||.
	Tolerated bool
}

// Text is the call as the operator reads it: aws route53 change-resource-record-sets.
func (a awsCall) Text() string {
	s := "aws " + a.Service
	if a.Op != "" {
		s += " " + a.Op
	}
	return s
}

// awsOptsWithValue are the AWS CLI's global options that take a value.
var awsOptsWithValue = map[string]bool{
	"--region": true, "--profile": true, "--endpoint-url": true, "--output": true, "--query": true,
	"--color": true, "--ca-bundle": true, "--cli-read-timeout": true, "--cli-connect-timeout": true,
	"--cli-binary-format": true,
}

// awsCalls returns the AWS CLI calls of a POSIX shell script, including
// those in command substitutions. It reads the script as sh would split
// it (quotes, line continuations, comments, here-documents, && || ; |),
// without expanding anything.
func awsCalls(script string) []awsCall {
	var out []awsCall
	for _, c := range shellCommands(script) {
		if a, ok := parseAWS(c); ok {
			out = append(out, a)
		}
	}
	return out
}

var assignRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// parseAWS reads a simple command as an AWS CLI call, if it is one.
func parseAWS(c simpleCommand) (awsCall, bool) {
	w := c.words
	a := awsCall{Tolerated: c.tolerated}
	// Skip assignments and wrappers that run their arguments.
	for len(w) > 0 {
		switch {
		case assignRE.MatchString(w[0]):
			if k, v, _ := strings.Cut(w[0], "="); k == "AWS_REGION" || k == "AWS_DEFAULT_REGION" {
				a.Region = v
			}
			w = w[1:]
		case w[0] == "env" || w[0] == "command" || w[0] == "exec" || w[0] == "nohup" || w[0] == "time":
			w = w[1:]
		case w[0] == "timeout":
			w = w[1:]
			for len(w) > 0 && strings.HasPrefix(w[0], "-") {
				w = w[1:]
			}
			if len(w) > 0 {
				w = w[1:] // the duration
			}
		default:
			goto cmd
		}
	}
cmd:
	if len(w) == 0 || w[0] != "aws" {
		return a, false
	}
	var pos []string
	for i := 1; i < len(w); i++ {
		opt, val, hasVal := strings.Cut(w[i], "=")
		switch {
		case !strings.HasPrefix(w[i], "--"):
			pos = append(pos, w[i])
		case opt == "--region":
			if !hasVal && i+1 < len(w) {
				i++
				val = w[i]
			}
			a.Region = val
		case awsOptsWithValue[opt] && !hasVal:
			i++
		}
	}
	if len(pos) == 0 {
		return a, false
	}
	a.Service = pos[0]
	if len(pos) > 1 {
		a.Op = pos[1]
	}
	if strings.ContainsAny(a.Region, "$`") {
		a.Region = "" // chosen at run time
	}
	return a, true
}

// simpleCommand is one command of a script: its words after quote
// removal, and whether the script tolerates its failure.
type simpleCommand struct {
	words     []string
	tolerated bool
}

// shellCommands splits a script into its simple commands, those inside
// $(...) and `...` included.
func shellCommands(script string) []simpleCommand {
	s := &shellScanner{src: strings.ReplaceAll(script, "\\\n", " ")}
	s.scan()
	return s.out
}

type shellScanner struct {
	src string
	i   int
	out []simpleCommand
	// the command being read
	words  []string
	word   strings.Builder
	inWord bool
	// start is the index in out of the first command of the current
	// and-or list, so a later || can mark them all tolerated.
	start int
	// cond is set while reading the condition of an if or elif.
	cond bool
	// heredocs are the delimiters of here-documents whose bodies start
	// at the next newline.
	heredocs []string
	// pendingHeredoc is set after << until its delimiter word is read.
	pendingHeredoc bool
}

func (s *shellScanner) endWord() {
	if !s.inWord {
		return
	}
	w := s.word.String()
	s.word.Reset()
	s.inWord = false
	if s.pendingHeredoc {
		s.pendingHeredoc = false
		s.heredocs = append(s.heredocs, strings.Trim(w, `'"`))
		return
	}
	if len(s.words) == 0 {
		switch w {
		case "if", "elif", "while", "until":
			s.cond = w == "if" || w == "elif"
			return
		case "then", "do", "else", "!", "{", "}", "fi", "done":
			s.cond = false
			return
		}
	}
	s.words = append(s.words, w)
}

// endCommand closes the current simple command.
func (s *shellScanner) endCommand() {
	s.endWord()
	if len(s.words) > 0 {
		s.out = append(s.out, simpleCommand{words: s.words, tolerated: s.cond})
	}
	s.words = nil
}

// endList closes an and-or list (at ; & newline).
func (s *shellScanner) endList() {
	s.endCommand()
	s.start = len(s.out)
}

func (s *shellScanner) scan() {
	for s.i < len(s.src) {
		ch := s.src[s.i]
		switch {
		case ch == '#' && !s.inWord:
			for s.i < len(s.src) && s.src[s.i] != '\n' {
				s.i++
			}
		case ch == '\n':
			s.endList()
			s.i++
			s.skipHeredocs()
		case ch == ' ' || ch == '\t':
			s.endWord()
			s.i++
		case ch == ';' || ch == '&' && !strings.HasPrefix(s.src[s.i:], "&&"):
			s.endList()
			s.i++
		case strings.HasPrefix(s.src[s.i:], "&&"):
			s.endCommand()
			s.i += 2
		case strings.HasPrefix(s.src[s.i:], "||"):
			s.endCommand()
			for k := s.start; k < len(s.out); k++ {
				s.out[k].tolerated = true
			}
			s.i += 2
		case ch == '|' || ch == '(' || ch == ')':
			s.endCommand()
			s.i++
		case strings.HasPrefix(s.src[s.i:], "<<"):
			s.endWord()
			s.i += 2
			if s.i < len(s.src) && s.src[s.i] == '-' {
				s.i++
			}
			s.pendingHeredoc = true
		case ch == '<' || ch == '>':
			s.endWord()
			s.i++
		case ch == '\'':
			end := strings.IndexByte(s.src[s.i+1:], '\'')
			if end < 0 {
				end = len(s.src) - s.i - 1
			}
			s.word.WriteString(s.src[s.i+1 : s.i+1+end])
			s.inWord = true
			s.i += end + 2
		case ch == '"':
			s.inWord = true
			s.i++
			s.doubleQuoted()
		case ch == '\\' && s.i+1 < len(s.src):
			s.word.WriteByte(s.src[s.i+1])
			s.inWord = true
			s.i += 2
		case strings.HasPrefix(s.src[s.i:], "$("):
			s.inWord = true
			s.substitution()
		case ch == '`':
			s.inWord = true
			s.backquoted()
		default:
			s.word.WriteByte(ch)
			s.inWord = true
			s.i++
		}
	}
	s.endList()
}

// doubleQuoted reads up to the closing quote; substitutions inside run.
func (s *shellScanner) doubleQuoted() {
	for s.i < len(s.src) {
		ch := s.src[s.i]
		switch {
		case ch == '"':
			s.i++
			return
		case ch == '\\' && s.i+1 < len(s.src):
			s.word.WriteByte(s.src[s.i+1])
			s.i += 2
		case strings.HasPrefix(s.src[s.i:], "$("):
			s.substitution()
		case ch == '`':
			s.backquoted()
		default:
			s.word.WriteByte(ch)
			s.i++
		}
	}
}

// substitution reads $(...) at s.i: its commands are scanned as a script
// of their own, and the word keeps a $ in its place, as a value only known
// at run time.
func (s *shellScanner) substitution() {
	start := s.i + 2
	depth, j := 1, start
	for j < len(s.src) && depth > 0 {
		switch {
		case strings.HasPrefix(s.src[j:], "$(("):
			depth++
			j += 3
			continue
		case s.src[j] == '(':
			depth++
		case s.src[j] == ')':
			depth--
		case s.src[j] == '\'':
			if k := strings.IndexByte(s.src[j+1:], '\''); k >= 0 {
				j += k + 1
			}
		}
		j++
	}
	end := max(j-1, start)
	if !strings.HasPrefix(s.src[s.i:], "$((") {
		s.out = append(s.out, shellCommands(s.src[start:end])...)
	}
	s.word.WriteString("$")
	s.i = j
}

func (s *shellScanner) backquoted() {
	end := strings.IndexByte(s.src[s.i+1:], '`')
	if end < 0 {
		end = len(s.src) - s.i - 1
	}
	s.out = append(s.out, shellCommands(s.src[s.i+1:s.i+1+end])...)
	s.word.WriteString("$")
	s.i += end + 2
}

// skipHeredocs skips the bodies of the here-documents opened on the line
// just ended.
func (s *shellScanner) skipHeredocs() {
	for _, delim := range s.heredocs {
		for s.i < len(s.src) {
			nl := strings.IndexByte(s.src[s.i:], '\n')
			line := s.src[s.i:]
			if nl >= 0 {
				line = s.src[s.i : s.i+nl]
				s.i += nl + 1
			} else {
				s.i = len(s.src)
			}
			if strings.TrimLeft(line, "\t") == delim {
				break
			}
		}
	}
	s.heredocs = nil
}
