// Command argo-lint runs Argo Workflows' own validation (what `argo lint --offline --strict`
// and the controller's admission do) over YAML files, without the CLI and its embedded UI:
// every argoproj.io document is decoded strictly (an unknown field fails) and checked with
// workflow/validate. WorkflowTemplates named in any of the files resolve templateRef and
// workflowTemplateRef. Other documents are skipped. One line per document; exit 1 on any failure.
//
//	argo-lint FILE...
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	wfv1 "github.com/argoproj/argo-workflows/v4/pkg/apis/workflow/v1alpha1"
	"github.com/argoproj/argo-workflows/v4/util/logging"
	"github.com/argoproj/argo-workflows/v4/workflow/common"
	"github.com/argoproj/argo-workflows/v4/workflow/validate"
	"k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

const engine = "argo-workflows v4.0.5 (v4.1.2 is not on the module proxy here)"

type templates map[string]*wfv1.WorkflowTemplate

func (t templates) Get(_ context.Context, name string) (*wfv1.WorkflowTemplate, error) {
	if wt, ok := t[name]; ok {
		return wt.DeepCopy(), nil
	}
	return nil, errors.NewNotFound(schema.GroupResource{Group: "argoproj.io", Resource: "workflowtemplates"}, name)
}

type clusterTemplates struct{}

func (clusterTemplates) Get(_ context.Context, name string) (*wfv1.ClusterWorkflowTemplate, error) {
	return nil, errors.NewNotFound(schema.GroupResource{Group: "argoproj.io", Resource: "clusterworkflowtemplates"}, name)
}

type doc struct {
	where string
	obj   any
	err   error
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: argo-lint FILE...")
		os.Exit(2)
	}
	// v4's parser and validators log through a logger they require in the context.
	ctx := logging.InitLoggerInContext()
	known := templates{}
	var docs []doc
	for _, file := range os.Args[1:] {
		body, err := os.ReadFile(file)
		if err != nil {
			docs = append(docs, doc{file, nil, err})
			continue
		}
		for i, res := range common.ParseObjects(ctx, body, true) {
			if _, other := res.Object.(*metav1.ObjectMeta); other {
				continue // not an Argo kind (RBAC, ServiceAccount, Tekton, ...): not ours to judge
			}
			where := fmt.Sprintf("%s#%d", file, i)
			if res.Object != nil {
				where += " " + kindOf(res.Object) + " " + res.Object.GetName()
			}
			docs = append(docs, doc{where, res.Object, res.Err})
			if wt, ok := res.Object.(*wfv1.WorkflowTemplate); ok && res.Err == nil {
				known[wt.Name] = wt
			}
		}
	}
	failed, validated := 0, 0
	for _, d := range docs {
		err := d.err
		if err == nil {
			switch o := d.obj.(type) {
			case *wfv1.WorkflowTemplate:
				err = validate.ValidateWorkflowTemplate(ctx, known, clusterTemplates{}, o, nil, validate.ValidateOpts{Lint: true})
			case *wfv1.CronWorkflow:
				err = validate.ValidateCronWorkflow(ctx, known, clusterTemplates{}, o, nil)
			case *wfv1.Workflow:
				err = validate.ValidateWorkflow(ctx, known, clusterTemplates{}, o, nil, validate.ValidateOpts{Lint: true})
			default:
				continue // not an Argo kind (RBAC, ServiceAccount, ...)
			}
		}
		if err != nil {
			failed++
			fmt.Printf("FAIL %s: %s\n", d.where, strings.ReplaceAll(err.Error(), "\n", "; "))
			continue
		}
		validated++
		fmt.Printf("OK   %s\n", d.where)
	}
	fmt.Printf("argo-lint (%s): %d valid, %d failed\n", engine, validated, failed)
	if failed > 0 {
		os.Exit(1)
	}
}

func kindOf(o any) string {
	switch o.(type) {
	case *wfv1.WorkflowTemplate:
		return "WorkflowTemplate"
	case *wfv1.CronWorkflow:
		return "CronWorkflow"
	case *wfv1.Workflow:
		return "Workflow"
	case *wfv1.ClusterWorkflowTemplate:
		return "ClusterWorkflowTemplate"
	}
	return "(not Argo)"
}
