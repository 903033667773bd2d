package plan

// TierLoad is the load tier id must serve at peak, in business.peakLoad's
// unit: the tier's own peakLoad, or else the sum of its services'. complete
// is false when the tier states none and some of its services are silent:
// load is then only what the stated services need, a lower bound (0 when
// none states one).
func (p *Plan) TierLoad(id string) (load float64, complete bool) {
	t := p.Tiers[id]
	if t == nil {
		return 0, false
	}
	if t.PeakLoad != nil {
		return *t.PeakLoad, true
	}
	svcs := p.TierServices(id)
	complete = len(svcs) > 0
	for _, sid := range svcs {
		if l := p.Services[sid].PeakLoad; l != nil {
			load += *l
		} else {
			complete = false
		}
	}
	return load, complete
}
