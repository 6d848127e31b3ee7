-- tests/integration/lib/h46019mux.lua  tshark: H.460.19 multiplexed media on 36000/36001 (the research notes' dissector, checked on shared/captures/mux.pcap)
-- H.460.19 multiplexed media: 4-byte big-endian multiplexID, then RTP (even port) or RTCP (odd port)
local p = Proto("h46019mux", "H.460.19 multiplexed media")
local f_id = ProtoField.uint32("h46019mux.id", "multiplexID", base.DEC)
p.fields = { f_id }
local rtp, rtcp = Dissector.get("rtp"), Dissector.get("rtcp")
function p.dissector(tvb, pinfo, tree)
  if tvb:len() < 4 then return 0 end
  tree:add(p, tvb(0, 4)):add(f_id, tvb(0, 4))
  if tvb:len() == 4 then return 4 end
  local inner = tvb(4):tvb()
  if pinfo.match_uint % 2 == 1 then rtcp:call(inner, pinfo, tree) else rtp:call(inner, pinfo, tree) end
  return tvb:len()
end
local t = DissectorTable.get("udp.port"); t:add(36000, p); t:add(36001, p)
