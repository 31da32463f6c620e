// Command argo-agent-client calls an executor plugin exactly as Argo's agent does: with the
// agent's own plugin client (workflow/executor/plugins/rpc: POST /api/v1/template.execute, bearer
// token, 30 s per attempt, up to 5 attempts on connection refused / timeouts / 503), one client
// shared by a pool of workers (the agent's ARGO_AGENT_TASK_WORKERS, default 16), and the agent's
// rule for a reply: Succeeded ends the node; any other phase with a requeue calls again after the
// requeue (workflow/executor/agent.go executePluginTemplate).
//
// It reads one JSON request on stdin and writes one JSON report on stdout:
//
//	{"address":"http://127.0.0.1:10001","token":"...","workers":16,"followRequeue":true,
//	 "calls":[{"workflow":{"metadata":{"name":"wf","namespace":"ns","uid":"u1"}},"template":{...},"deadlineMillis":0}]}
//
//	{"argo":"v3.7.18","results":[{"index":0,"node":{...},"requeue":"5s","error":"",
//	  "calls":1,"micros":1234}]}
//
// deadlineMillis > 0 gives a call a context deadline, so the client gives up before the reply
// comes: the reply is lost, as when the agent is restarted while a call is in flight.
// "argo-agent-client executor-plugin build DIR" is Argo's own "argo executor-plugin build DIR"
// (cmd/argo/commands/executorplugin): it writes DIR/<name>-executor-plugin-configmap.yaml and
// DIR/README.md from DIR/plugin.yaml, so tests can check a shipped ConfigMap against it.
//
// The same main.go is built against v3 and v4 of the argo-workflows module; argo.go holds the
// version's imports.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"
)

type call struct {
	Workflow       workflow        `json:"workflow"`
	Template       json.RawMessage `json:"template"`
	DeadlineMillis int64           `json:"deadlineMillis"`
}

type request struct {
	Address       string `json:"address"`
	Token         string `json:"token"`
	Workers       int    `json:"workers"`
	FollowRequeue bool   `json:"followRequeue"`
	Calls         []call `json:"calls"`
}

type result struct {
	Index   int         `json:"index"`
	Node    interface{} `json:"node"`
	Requeue string      `json:"requeue,omitempty"`
	Error   string      `json:"error,omitempty"`
	Calls   int         `json:"calls"`
	Micros  int64       `json:"micros"`
}

type report struct {
	Argo    string   `json:"argo"`
	Results []result `json:"results"`
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "executor-plugin" {
		cmd := newExecutorPluginCommand()
		cmd.SetArgs(os.Args[2:])
		if err := cmd.Execute(); err != nil {
			os.Exit(1)
		}
		return
	}
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, "argo-agent-client: stdin is not a request:", err)
		os.Exit(2)
	}
	if req.Workers < 1 {
		req.Workers = 1
	}
	// One client for every worker, as the agent shares its plugins between its task workers.
	plug := newPlugin(req.Address, req.Token)
	results := make([]result, len(req.Calls))
	indexes := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < req.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range indexes {
				results[i] = run(plug, req.Calls[i], req.FollowRequeue)
				results[i].Index = i
			}
		}()
	}
	for i := range req.Calls {
		indexes <- i
	}
	close(indexes)
	wg.Wait()
	out := json.NewEncoder(os.Stdout)
	if err := out.Encode(report{Argo: argoVersion, Results: results}); err != nil {
		fmt.Fprintln(os.Stderr, "argo-agent-client:", err)
		os.Exit(1)
	}
}

// run calls the plugin for one node as the agent does, following requeues when asked.
func run(plug executor, c call, followRequeue bool) result {
	var tmpl template
	if err := json.Unmarshal(c.Template, &tmpl); err != nil {
		return result{Error: "template: " + err.Error()}
	}
	start := time.Now()
	res := result{}
	for {
		ctx, cancel := background(), context.CancelFunc(func() {})
		if c.DeadlineMillis > 0 {
			ctx, cancel = context.WithTimeout(ctx, time.Duration(c.DeadlineMillis)*time.Millisecond)
		}
		a := args{Workflow: &workflow{ObjectMeta: c.Workflow.ObjectMeta}, Template: &tmpl}
		r := &reply{}
		err := plug.ExecuteTemplate(ctx, a, r)
		cancel()
		res.Calls++
		if err != nil {
			res.Error = err.Error()
			break
		}
		res.Node = r.Node
		res.Requeue = ""
		if r.Requeue != nil {
			res.Requeue = r.Requeue.Duration.String()
		}
		// The agent: no node means this plugin did not take the template; Succeeded is final;
		// another phase with a requeue is called again after it.
		if r.Node == nil || r.Node.Phase == succeeded || r.GetRequeue() <= 0 || !followRequeue {
			break
		}
		time.Sleep(r.GetRequeue())
	}
	res.Micros = time.Since(start).Microseconds()
	return res
}
