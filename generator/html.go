package generator

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown renders GFM (tables, task lists) to HTML. Raw HTML in the
// source is not passed through (goldmark's default): plan strings are data,
// and the generators escape them besides.
var markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))

var page = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccd;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f4f6}pre{background:#f6f8fa;padding:.75rem;overflow-x:auto}code{font-size:.9em}
@media print{body{margin:0;max-width:none}a{color:inherit}pre{white-space:pre-wrap}}
</style>
</head>
<body>
{{.Body}}
</body>
</html>
`))

// HTMLPage renders Markdown as a standalone page with no external assets.
func HTMLPage(title string, md []byte) ([]byte, error) {
	var body bytes.Buffer
	if err := markdown.Convert(md, &body); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	err := page.Execute(&out, struct {
		Title string
		Body  template.HTML
	}{title, template.HTML(body.String())}) // goldmark output, raw HTML omitted
	return out.Bytes(), err
}
