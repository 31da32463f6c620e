package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/argoproj/argo-workflows/v3/cmd/argo/commands/executorplugin"
	wfv1 "github.com/argoproj/argo-workflows/v3/pkg/apis/workflow/v1alpha1"
	executorplugins "github.com/argoproj/argo-workflows/v3/pkg/plugins/executor"
	"github.com/argoproj/argo-workflows/v3/workflow/executor/plugins/rpc"
)

const argoVersion = "v3.7.18"

type (
	args     = executorplugins.ExecuteTemplateArgs
	reply    = executorplugins.ExecuteTemplateReply
	executor = executorplugins.TemplateExecutor
	template = wfv1.Template
	workflow = executorplugins.Workflow
)

const succeeded = wfv1.NodeSucceeded

// newPlugin is the agent's own client: workflow/executor/agent.go builds it with rpc.New.
func newPlugin(address, token string) executor { return rpc.New(address, token) }

func background() context.Context { return context.Background() }

// newExecutorPluginCommand is "argo executor-plugin" of the argo CLI.
func newExecutorPluginCommand() *cobra.Command { return executorplugin.NewRootCommand() }
