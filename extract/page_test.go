package extract

import (
	"encoding/json"
	"reflect"
	"testing"
)

var pageBodies = []string{
	`{"error_code":"0","message":"ok","page":1,"page_size":2,"total":3,"data":[{"a":1},{"b":[1,2]}]}`,
	`{"Error_Code":"0","DATA":[1,"x",null,{"k":"\u00e9"}],"page":2}`,
	`{"error_code":"0","data":null}`,
	`{"error_code":"0","data":[]}`,
	`{"error_code":"0","data":[{"a":1}],"data":null}`,
	`{"error_code":"0","data":{}}`,
	`{"error_code":0,"data":[]}`,
	`{"error_code":"\u0030","message":"a\"b","data":[]}`,
	"{\"error_code\":\"0\",\"message\":\"\xff\",\"data\":[]}",
	`{"error_code":"0","page":1.0,"data":[]}`,
	`{"error_code":"0","page":"1","data":[]}`,
	`{"error_code":"0","total":99999999999999999999,"data":[]}`,
	`{"error_code":"0","data":[{"a":1}]`,
	`{"error_code":"0","data":[{"a":1},]}`,
	`[1,2]`, `"x"`, `null`, `<html>oops</html>`, ``,
	` {"error_code" : "0" , "data" : [ {"x": "y"} , 2 ] } `,
	`{"error_code":"0","data":[]} {}`,
	`{"erroR_code":null,"message":null,"page":null,"data":[true]}`,
}

// decodePage must agree with encoding/json whenever it accepts a body.
func TestDecodePageMatchesEncodingJSON(t *testing.T) {
	for _, b := range pageBodies {
		var fast, slow pageBody
		ok := decodePage([]byte(b), &fast)
		err := json.Unmarshal([]byte(b), &slow)
		if !ok {
			continue
		}
		if err != nil {
			t.Errorf("%s: decodePage accepted what encoding/json rejects: %v", b, err)
			continue
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s:\nfast %+v\nslow %+v", b, fast, slow)
		}
	}
	var p pageBody
	if !decodePage([]byte(pageBodies[0]), &p) || len(p.Data) != 2 || cap(p.Data[0]) != len(p.Data[0]) {
		t.Errorf("ordinary page not decoded fast, or records not capped: %+v", p)
	}
}

func FuzzDecodePage(f *testing.F) {
	for _, b := range pageBodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fast, slow pageBody
		if !decodePage(b, &fast) {
			return
		}
		if err := json.Unmarshal(b, &slow); err != nil {
			t.Fatalf("%q: decodePage accepted what encoding/json rejects: %v", b, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q:\nfast %+v\nslow %+v", b, fast, slow)
		}
	})
}
