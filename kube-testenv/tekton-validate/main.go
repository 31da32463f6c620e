// Command tekton-validate runs Tekton's own admission checks over YAML files: each tekton.dev
// document is decoded strictly (an unknown field fails), defaulted with SetDefaults and checked
// with Validate, exactly as the tekton-pipelines-webhook does on create. Other documents are
// skipped. It prints one line per document and exits 1 when any document fails.
//
//	tekton-validate FILE...
package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"

	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
	"github.com/tektoncd/pipeline/pkg/apis/pipeline/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	"sigs.k8s.io/yaml"
)

// checked is what the webhook admits: defaulted, then validated.
type checked interface {
	apis.Defaultable
	apis.Validatable
}

func newObject(apiVersion, kind string) checked {
	switch apiVersion + "/" + kind {
	case "tekton.dev/v1/Task":
		return &v1.Task{}
	case "tekton.dev/v1/Pipeline":
		return &v1.Pipeline{}
	case "tekton.dev/v1/PipelineRun":
		return &v1.PipelineRun{}
	case "tekton.dev/v1/TaskRun":
		return &v1.TaskRun{}
	case "tekton.dev/v1beta1/StepAction":
		return &v1beta1.StepAction{}
	}
	return nil
}

var separator = regexp.MustCompile(`(?m)^---\s*$`)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: tekton-validate FILE...")
		os.Exit(2)
	}
	failed, validated := 0, 0
	for _, file := range os.Args[1:] {
		body, err := os.ReadFile(file)
		if err != nil {
			fmt.Printf("FAIL %s: %v\n", file, err)
			failed++
			continue
		}
		for i, doc := range separator.Split(string(body), -1) {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			var head struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
				Metadata   struct {
					Name string `json:"name"`
				} `json:"metadata"`
			}
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				fmt.Printf("FAIL %s#%d: %v\n", file, i, err)
				failed++
				continue
			}
			where := fmt.Sprintf("%s#%d %s %s", file, i, head.Kind, head.Metadata.Name)
			if !strings.HasPrefix(head.APIVersion, "tekton.dev/") {
				continue
			}
			obj := newObject(head.APIVersion, head.Kind)
			if obj == nil {
				fmt.Printf("FAIL %s: %s/%s is not a kind this validator knows\n", where, head.APIVersion, head.Kind)
				failed++
				continue
			}
			if err := yaml.UnmarshalStrict([]byte(doc), obj); err != nil {
				fmt.Printf("FAIL %s: %v\n", where, err)
				failed++
				continue
			}
			// The API server turns generateName into a name before admission: do the same.
			if m, ok := obj.(metav1.Object); ok && m.GetName() == "" && m.GetGenerateName() != "" {
				m.SetName(m.GetGenerateName() + "x7k2q")
			}
			// A plain context carries the default feature flags (config.FromContextOrDefaults),
			// as the webhook has on a cluster with the stock feature-flags ConfigMap.
			ctx := apis.WithinCreate(context.Background())
			obj.SetDefaults(ctx)
			if fe := obj.Validate(ctx); fe != nil {
				fmt.Printf("FAIL %s: %s\n", where, strings.ReplaceAll(fe.Error(), "\n", "; "))
				failed++
				continue
			}
			validated++
			fmt.Printf("OK   %s\n", where)
		}
	}
	fmt.Printf("tekton-validate (tektoncd/pipeline v1.15.0): %d valid, %d failed\n", validated, failed)
	if failed > 0 {
		os.Exit(1)
	}
}

func stripComments(doc string) string {
	var b bytes.Buffer
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line)
			b.WriteString("\n")
		}
	}
	return b.String()
}
