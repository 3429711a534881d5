package official

import (
	"encoding/json"
	"errors"
	"fmt"
)

// envelope is {"code":"OK","data":{…},"message":"OK"}.
type envelope struct {
	Code    *string         `json:"code"`
	Message *string         `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// Parse reads one response body of a family into rows: for every
// department (the province first, then evaluation[] or children[] in the
// order sent) its group row, then one row per metric or component. The
// period is not in the body: stamp it with Response.WithPeriod.
func Parse(family string, body []byte) (Response, error) {
	if !KnownFamily(family) {
		return Response{}, fieldErr(family, "", ErrUnknownFamily)
	}
	data, err := openEnvelope(family, body)
	if err != nil {
		return Response{}, err
	}
	if flat(family) {
		return parseFlat(family, data)
	}
	return parseTree(family, data)
}

func openEnvelope(family string, body []byte) (json.RawMessage, error) {
	var env envelope
	if err := decode(family, "", body, &env); err != nil {
		return nil, err
	}
	if env.Code == nil {
		return nil, fieldErr(family, "code", ErrMissingField)
	}
	if *env.Code != "OK" {
		return nil, fieldErr(family, "code", fmt.Errorf("%w: code %q, message %q", ErrEnvelope, *env.Code, deref(env.Message)))
	}
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return nil, fieldErr(family, "data", ErrMissingField)
	}
	return env.Data, nil
}

// decode unmarshals and turns encoding/json's errors into a FieldError
// naming the field.
func decode(family, path string, b []byte, v any) error {
	err := json.Unmarshal(b, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fieldErr(family, joinPath(path, te.Field), fmt.Errorf("%w: %s where %s was expected", ErrMalformed, te.Value, te.Type))
	}
	return fieldErr(family, path, fmt.Errorf("%w: %v", ErrMalformed, err))
}

func joinPath(path, field string) string {
	switch {
	case path == "":
		return field
	case field == "":
		return path
	}
	return path + "." + field
}
