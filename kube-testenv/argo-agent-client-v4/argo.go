package main

import (
	"context"
	"os"

	"github.com/spf13/cobra"

	"github.com/argoproj/argo-workflows/v4/cmd/argo/commands/executorplugin"
	wfv1 "github.com/argoproj/argo-workflows/v4/pkg/apis/workflow/v1alpha1"
	executorplugins "github.com/argoproj/argo-workflows/v4/pkg/plugins/executor"
	"github.com/argoproj/argo-workflows/v4/util/logging"
	"github.com/argoproj/argo-workflows/v4/workflow/executor/plugins/rpc"
)

const argoVersion = "v4.0.5"

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

// background carries a logger: v4's plugin client requires one in the context (the agent's
// comes from cmd/argoexec). Warnings only, on stderr.
func background() context.Context {
	return logging.WithLogger(context.Background(),
		logging.NewSlogLoggerCustom(logging.Warn, logging.Text, os.Stderr))
}

// newExecutorPluginCommand is "argo executor-plugin" of the argo CLI.
func newExecutorPluginCommand() *cobra.Command { return executorplugin.NewRootCommand() }
