package main

// Running Node.js policy packs (`pulumi preview/up --policy-pack DIR`).
//
// The engine reads the pack's PulumiPolicy.yaml, sees `runtime: nodejs` and
// asks this host to RunPlugin with kind "analyzer", the pack directory as the
// program directory, and the analyzer's arguments (logging flags and the engine
// address) and environment. Like Pulumi's own host we then:
//   - resolve @pulumi/pulumi/cmd/run-policy-pack from the pack directory, so the
//     pack's copy of the SDK runs it;
//   - serve the engine through the SDK's PolicyProxy first: @pulumi/policy reads
//     the stack's organization, project, stack, dry-run flag and config from the
//     environment at start-up, and the engine only sends those (ConfigureStack)
//     after it has connected, so the proxy takes that call, we start node with
//     them in its environment, and the proxy forwards everything else to it;
//   - run node in the pack directory and stream its output back to the engine,
//     which shows it as the pack's output.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// policyPackRunner is the runner in @pulumi/pulumi that loads a policy pack and
// serves it as an analyzer: `node RUNNER [flags] ENGINE_ADDRESS PACK_DIR`.
const policyPackRunner = "@pulumi/pulumi/cmd/run-policy-pack"

// RunPlugin runs a Node.js plugin for the engine. Only policy packs are
// supported; resource, converter and tool plugins in Node are not used here.
func (h *nodeHost) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	if req.GetKind() != string(apitype.AnalyzerPlugin) {
		return status.Errorf(codes.Unimplemented,
			"this language host only runs Node.js policy packs, not %q plugins", req.GetKind())
	}
	stdout, stderr := pluginOutputStreams(server)
	return runPolicyPack(server.Context(), req, stdout, stderr)
}

// runPolicyPack runs the policy pack of req until it exits or ctx ends (the
// engine closes the plugin by cancelling the call).
func runPolicyPack(ctx context.Context, req *pulumirpc.RunPluginRequest, stdout, stderr io.Writer) error {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("could not find `node` on PATH: %w", err)
	}
	packDir := req.GetInfo().GetProgramDirectory()
	runner, err := resolveRunner(ctx, nodeBin, packDir, policyPackRunner)
	if err != nil {
		return err
	}
	opts := parseOptions(req.GetInfo())

	// The engine reads the proxy's port from our first line of stdout and
	// connects; the pack's own port line (later) is read by the proxy.
	proxy, packStdout, err := sdk.NewPolicyProxy(ctx, stdout)
	if err != nil {
		return fmt.Errorf("could not start the policy pack proxy: %w", err)
	}
	stackConfig, err := proxy.AwaitConfiguration(ctx)
	if err != nil {
		return fmt.Errorf("could not get the stack configuration for the policy pack: %w", err)
	}
	env, err := policyPackEnv(req.GetEnv(), opts, stackConfig)
	if err != nil {
		proxy.Abort(err)
		return err
	}

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runner)
	args = append(args, req.GetArgs()...) // logging flags, then the engine address
	args = append(args, packDir)

	cmd := exec.CommandContext(ctx, nodeBin, args...)
	// Policy packs have always run in their own directory, not the program's.
	cmd.Dir = packDir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = packStdout, stderr
	// When the engine is done with the pack it cancels the call: interrupt
	// node first so it can shut down its server, then kill it.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second

	logging.V(5).Infof("language host: running policy pack %s %v in %s", nodeBin, args, cmd.Dir)
	if err := cmd.Start(); err != nil {
		err = fmt.Errorf("could not start node for the policy pack in %s: %w", packDir, err)
		proxy.Abort(err)
		return err
	}
	// Attach waits for node's port, connects the proxy to it, hands it the stack
	// configuration and returns when node exits.
	err = proxy.Attach(ctx, cmd)
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err() // the engine closed the plugin: not a failure of the pack
	case errors.As(err, &exitErr):
		return fmt.Errorf("policy pack exited with non-zero exit code: %d", exitErr.ExitCode())
	default:
		return fmt.Errorf("policy pack failed: %w", err)
	}
}

// policyPackEnv is the environment of the pack's node process: the one the
// engine gave, the TypeScript options, and the stack's details as
// @pulumi/pulumi reads them (a nil config means the engine sent none, as for
// `pulumi policy publish`).
func policyPackEnv(base []string, opts runtimeOptions, stack *pulumirpc.AnalyzerStackConfigureRequest) ([]string, error) {
	env := append([]string{}, base...)
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}
	if stack == nil {
		return env, nil
	}
	setIfNotEmpty := func(name, value string) {
		if value != "" {
			env = append(env, name+"="+value)
		}
	}
	setIfNotEmpty("PULUMI_NODEJS_ORGANIZATION", stack.GetOrganization())
	setIfNotEmpty("PULUMI_NODEJS_PROJECT", stack.GetProject())
	setIfNotEmpty("PULUMI_NODEJS_STACK", stack.GetStack())
	setIfNotEmpty("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stack.GetDryRun()))
	if stack.GetConfig() != nil {
		config, err := json.Marshal(stack.GetConfig())
		if err != nil {
			return nil, fmt.Errorf("could not encode the stack configuration for the policy pack: %w", err)
		}
		setIfNotEmpty("PULUMI_CONFIG", string(config))
	}
	return env, nil
}

// pluginOutputStreams returns writers that send what they get to the engine as
// the plugin's stdout and stderr. A gRPC stream takes one Send at a time, and
// node's two pipes are copied by two goroutines: they share one lock.
func pluginOutputStreams(server pulumirpc.LanguageRuntime_RunPluginServer) (io.Writer, io.Writer) {
	var mu sync.Mutex
	send := func(resp *pulumirpc.RunPluginResponse) error {
		mu.Lock()
		defer mu.Unlock()
		return server.Send(resp)
	}
	stdout := writerFunc(func(b []byte) error {
		return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}})
	})
	stderr := writerFunc(func(b []byte) error {
		return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}})
	})
	return stdout, stderr
}

// writerFunc is an io.Writer that hands each write to a function.
type writerFunc func([]byte) error

func (w writerFunc) Write(b []byte) (int, error) {
	// gRPC may still read a message after Send returns, and the caller may reuse b.
	if err := w(append([]byte(nil), b...)); err != nil {
		return 0, err
	}
	return len(b), nil
}
