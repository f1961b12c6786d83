# vttjs-compare.jq: compares subconv's cue NDJSON ($got) with the parse
# vtt.js expects ($exp[0]).  Prints nothing when they agree, else one
# line per difference.  vtt.js's values are derived from each cue's
# "settings" string the way vtt.js defines them: align defaults to
# "middle" (WebVTT's "center"), line and position to "auto", size to 100;
# a percentage is a number; a region is its settings object.

def pct: rtrimstr("%") | tonumber;
def near($a; $b): (($a - $b) | fabs) < 0.0005;
def same($a; $b):
	if ($a | type) == "number" and ($b | type) == "number"
	then near($a; $b) else $a == $b end;

def regobj:
	{ lines: .lines, regionAnchorX: .regionanchor[0],
	  regionAnchorY: .regionanchor[1], scroll: .scroll,
	  viewportAnchorX: .viewportanchor[0],
	  viewportAnchorY: .viewportanchor[1], width: .width };

($got | map(select(.type == "region"))) as $regions
| def region($id): [$regions[] | select(.id == $id)] | last | regobj;
def settings:
	(.settings // "") | [splits("[ \t]+") | select(length > 0)
	    | capture("^(?<key>[^:]+):(?<value>.*)$")] | from_entries;
def vttjs:
	settings as $s
	| { startTime: .start, endTime: .end, id: (.id // ""), text: .text,
	    align: (($s.align // "middle")
		| if . == "center" then "middle" else . end),
	    line: (if $s.line then ($s.line | split(",")[0]
		| if endswith("%") then pct elif . == "auto" then .
		  else tonumber end) else "auto" end),
	    position: (if $s.position then ($s.position | split(",")[0] | pct)
		else "auto" end),
	    size: (if $s.size then ($s.size | pct) else 100 end),
	    vertical: ($s.vertical // ""),
	    region: (if $s.region then region($s.region) else "" end) };
def keys_: ["startTime", "endTime", "id", "text", "align", "line",
	"position", "size", "vertical", "region"];

[$got[] | select(.type == "cue") | vttjs] as $mine
| ($exp[0].cues // []) as $want
| if ($mine | length) != ($want | length) then
	"\($mine | length) cues, expected \($want | length)"
  else
	range(0; $want | length) as $i
	| keys_[] as $k
	| ($mine[$i][$k]) as $a | ($want[$i][$k]) as $b
	| if ($a | type) == "object" and ($b | type) == "object" then
		select([$b | keys[] as $rk | same($a[$rk]; $b[$rk])] | all | not)
	  else select(same($a; $b) | not) end
	| "cue \($i + 1): \($k) is \($a | tojson), expected \($b | tojson)"
  end,
  ( [$regions[] | select(.id != null) | regobj] as $rs
    | ($exp[0].regions // []) as $wr
    | if ($rs | length) != ($wr | length) then
	"\($rs | length) regions, expected \($wr | length)"
      else empty end )
