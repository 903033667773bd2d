package awstest

import (
	"cmp"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

// CloudWatch speaks RPC v2 CBOR: POST /service/<service>/operation/<op>
// with a CBOR map body, timestamps as tag 1 (epoch seconds).

var cborPath = regexp.MustCompile(`^/service/([^/]+)/operation/([^/]+)$`)

func cborRoute(r *http.Request, _ []byte) (string, handler) {
	m := cborPath.FindStringSubmatch(r.URL.Path)
	if m == nil || r.Method != http.MethodPost || r.Header.Get("Smithy-Protocol") != "rpc-v2-cbor" {
		return "UNKNOWN " + r.Method + " " + r.URL.Path, nil
	}
	if m[2] == "GetMetricData" {
		return m[2], getMetricData
	}
	return m[2], nil
}

func writeCBOR(w http.ResponseWriter, status int, v cbor.Value) {
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	w.Header().Set("Content-Type", "application/cbor")
	w.WriteHeader(status)
	w.Write(cbor.Encode(v))
}

func cborError(w http.ResponseWriter, _ string, e *apiError) {
	// CloudWatch is query-compatible: the query error code travels in a
	// header next to the CBOR body's __type.
	w.Header().Set("X-Amzn-Query-Error", e.code+";Sender")
	writeCBOR(w, e.status, cbor.Map{"__type": cbor.String("com.amazonaws.cloudwatch#" + e.code), "message": cbor.String(e.message)})
}

func str(v cbor.Value) string {
	if s, ok := v.(cbor.String); ok {
		return string(s)
	}
	return ""
}

func getMetricData(w http.ResponseWriter, r *http.Request, body []byte, _ *World, rr *Region) *apiError {
	v, err := cbor.Decode(body)
	if err != nil {
		return &apiError{400, "SerializationException", err.Error()}
	}
	in, _ := v.(cbor.Map)
	start, _ := cbor.AsTime(in["StartTime"])
	end, _ := cbor.AsTime(in["EndTime"])
	queries, _ := in["MetricDataQueries"].(cbor.List)
	var results cbor.List
	for _, q := range queries {
		qm, _ := q.(cbor.Map)
		stat, _ := qm["MetricStat"].(cbor.Map)
		metric, _ := stat["Metric"].(cbor.Map)
		var dims []string
		if ds, ok := metric["Dimensions"].(cbor.List); ok {
			for _, d := range ds {
				dm, _ := d.(cbor.Map)
				dims = append(dims, str(dm["Name"])+"="+str(dm["Value"]))
			}
		}
		pts := slices.Clone(rr.Metrics[MetricKey(str(metric["Namespace"]), str(metric["MetricName"]), dims...)])
		slices.SortFunc(pts, func(a, b Point) int { return cmp.Compare(b.At.UnixNano(), a.At.UnixNano()) })
		ts, vals := cbor.List{}, cbor.List{}
		for _, p := range pts {
			if p.At.Before(start) || !p.At.Before(end.Add(time.Second)) {
				continue
			}
			ts = append(ts, &cbor.Tag{ID: 1, Value: cbor.Float64(float64(p.At.Unix()))})
			vals = append(vals, cbor.Float64(p.Value))
		}
		results = append(results, cbor.Map{
			"Id": cbor.String(str(qm["Id"])), "Label": cbor.String(str(metric["MetricName"])),
			"Timestamps": ts, "Values": vals, "StatusCode": cbor.String("Complete"),
		})
	}
	writeCBOR(w, 200, cbor.Map{"MetricDataResults": results, "Messages": cbor.List{}})
	return nil
}
