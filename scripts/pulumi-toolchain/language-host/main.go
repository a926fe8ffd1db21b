// Command pulumi-language-nodejs is a minimal Node.js language host for the
// Pulumi engine.
//
// Why it exists: scripts/ensure-toolchain.sh builds the pinned Pulumi CLI from
// source through the Go module proxy, because no prebuilt Pulumi can be
// downloaded on our machines. The proxy does not serve Pulumi's own Node.js
// language host (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs),
// so this small replacement implements just what `pulumi up/preview/refresh/
// destroy/stack output` and the Automation API need for a TypeScript program
// that uses dynamic providers, and for Node.js policy packs (`--policy-pack`,
// see policy_pack.go).
//
// The real work is done by the runners shipped in the @pulumi/pulumi npm package
// (`@pulumi/pulumi/cmd/run`, `cmd/run-policy-pack`): this host only resolves a
// runner from the program's (or pack's) directory, hands it the engine's request
// as command-line flags and environment variables, and translates its exit code
// back for the engine.
//
// The engine starts the host as `pulumi-language-nodejs [--logtostderr] [-v=N]
// [--tracing URL] ENGINE_ADDRESS`, reads the gRPC port from our first line of
// stdout, and relays everything else we (and the Node program) print.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// version is reported to the engine by GetPluginInfo. The build sets it to the
// pinned Pulumi version with -ldflags "-X main.version=...".
var version = "3.0.0"

// exitCodeErrorAlreadyReported is the exit code @pulumi/pulumi/cmd/run uses
// when the program failed but already logged a user-facing error through the
// engine. We then answer "bail" so the engine prints nothing more.
const exitCodeErrorAlreadyReported = 32

func main() {
	// The engine passes --logtostderr, -v=N and --tracing to every plugin.
	// glog, linked in through the SDK, usually registers the first two already.
	if flag.Lookup("logtostderr") == nil {
		flag.Bool("logtostderr", false, "log to stderr instead of a file")
	}
	if flag.Lookup("v") == nil {
		flag.Int("v", 0, "log verbosity")
	}
	tracing := flag.String("tracing", "", "Zipkin-compatible tracing endpoint, passed on to the Node runner")
	flag.Parse()
	logging.InitLogging(false, 0, false) // picks up -logtostderr / -v from the flags above

	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[0]
	}

	// Stop serving on SIGINT/SIGTERM, or when the engine goes away.
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	cancelServer := make(chan bool)
	go func() {
		<-ctx.Done()
		close(cancelServer)
	}()

	// Like the real plugins: poll the engine's health endpoint and shut down if
	// it dies, so that a crashed `pulumi` never leaves us running.
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check host RPC server: %w", err))
		}
	}

	host := &nodeHost{engineAddress: engineAddress, tracing: *tracing}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancelServer,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host RPC server: %w", err))
	}

	// The engine reads the port from the first line of our stdout.
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}

// nodeHost implements pulumirpc.LanguageRuntimeServer. Methods we do not need
// (code generation, packing, templates, running Node plugins other than policy
// packs) fall back to the embedded Unimplemented server, which the engine
// handles gracefully.
type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	tracing       string
}

// Handshake is only sent when the engine attaches to an already running host
// (PULUMI_DEBUG_LANGUAGES); a spawned host gets the address as an argument.
func (h *nodeHost) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *nodeHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GetRequiredPlugins reports no plugins: our programs only use dynamic
// providers, whose plugin (pulumi-resource-pulumi-nodejs) is on PATH.
func (h *nodeHost) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

// GetRequiredPackages: see GetRequiredPlugins.
func (h *nodeHost) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *nodeHost) RuntimeOptionsPrompts(context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

// Cancel is sent by the engine when it shuts down; Run's context handles the
// program itself, so there is nothing to do.
func (h *nodeHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// runtimeOptions are the `runtime.options` of Pulumi.yaml that we honour.
type runtimeOptions struct {
	typescript bool     // default true: let the runner register ts-node
	tsconfig   string   // path of the tsconfig.json the runner should use
	nodeargs   []string // extra arguments for node itself
}

func parseOptions(info *pulumirpc.ProgramInfo) runtimeOptions {
	opts := runtimeOptions{typescript: true}
	m := info.GetOptions().AsMap()
	if v, ok := m["typescript"].(bool); ok {
		opts.typescript = v
	}
	if v, ok := m["tsconfig"].(string); ok {
		opts.tsconfig = v
	}
	if v, ok := m["nodeargs"].(string); ok {
		opts.nodeargs = strings.Fields(v)
	}
	return opts
}

// programLocation returns the program directory and entry point of a request,
// falling back to the deprecated pwd/program fields of older engines.
func programLocation(info *pulumirpc.ProgramInfo, pwd, program string) (string, string) {
	dir, entry := info.GetProgramDirectory(), info.GetEntryPoint()
	if dir == "" {
		dir = pwd
	}
	if entry == "" {
		entry = program
	}
	if entry == "" {
		entry = "."
	}
	return dir, entry
}

// programRunner is the runner in @pulumi/pulumi that executes a program for Run.
const programRunner = "@pulumi/pulumi/cmd/run"

// resolveRunner finds a runner module (programRunner, policyPackRunner) the way
// Node would from dir, so the program's or policy pack's own copy of the SDK is
// used.
func resolveRunner(ctx context.Context, nodeBin, dir, module string) (string, error) {
	cmd := exec.CommandContext(ctx, nodeBin, "-e", "console.log(require.resolve(process.argv[1]))", module)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("could not find %s from %s: has `npm install` been run? (%w)", module, dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Run executes the program once, for a preview or an update.
func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find `node` on PATH: " + err.Error()}, nil
	}
	dir, entry := programLocation(req.GetInfo(), req.GetPwd(), req.GetProgram()) //nolint:staticcheck
	runner, err := resolveRunner(ctx, nodeBin, dir, programRunner)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	opts := parseOptions(req.GetInfo())

	h.mu.Lock()
	engineAddress := h.engineAddress
	h.mu.Unlock()

	// The flags @pulumi/pulumi/cmd/run understands (see its usage text).
	args := append([]string{}, opts.nodeargs...)
	args = append(args, runner)
	flagIfSet := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name+"="+value)
		}
	}
	flagIfSet("monitor", req.GetMonitorAddress())
	flagIfSet("engine", engineAddress)
	flagIfSet("organization", req.GetOrganization())
	flagIfSet("project", req.GetProject())
	flagIfSet("stack", req.GetStack())
	flagIfSet("root-directory", req.GetInfo().GetRootDirectory())
	flagIfSet("pwd", req.GetPwd())
	flagIfSet("tracing", h.tracing)
	if req.GetParallel() > 0 {
		flagIfSet("parallel", strconv.Itoa(int(req.GetParallel())))
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	// The runner resolves a relative entry point against --pwd; "." means
	// "the package in this directory" (package.json main, else index.*).
	if entry != "." && !filepath.IsAbs(entry) {
		entry = filepath.Join(dir, entry)
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	// Config travels in the environment, as JSON. A stack without config has a nil map, which
	// would marshal to "null" and break the runner: send an empty object instead.
	configMap := req.GetConfig()
	if configMap == nil {
		configMap = map[string]string{}
	}
	config, err := json.Marshal(configMap)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
		"PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(opts.typescript),
	)
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}

	cmd := exec.CommandContext(ctx, nodeBin, args...)
	cmd.Dir = dir
	if req.GetPwd() != "" {
		cmd.Dir = req.GetPwd()
	}
	cmd.Env = env
	// Our stdout/stderr are relayed to the user by the engine.
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	// If the engine cancels the call, interrupt node first so it can clean up.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second

	logging.V(5).Infof("language host: running %s %v in %s", nodeBin, args, cmd.Dir)
	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exitErr):
		code := exitErr.ExitCode()
		if code == exitCodeErrorAlreadyReported {
			// The program already told the user what went wrong.
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		if code < 0 { // killed by a signal
			return &pulumirpc.RunResponse{Error: "Program exited unexpectedly: " + exitErr.String()}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err)}, nil
	}
}

// InstallDependencies runs `npm install` in the program directory (used by
// `pulumi install` and `pulumi new`), streaming npm's output to the engine.
func (h *nodeHost) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	dir, _ := programLocation(req.GetInfo(), req.GetDirectory(), "") //nolint:staticcheck
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()

	if _, err := os.Stat(filepath.Join(dir, "package.json")); err != nil {
		fmt.Fprintf(stdout, "No package.json in %s, nothing to install.\n", dir)
		return nil
	}
	fmt.Fprintln(stdout, "Installing dependencies with `npm install`...")
	cmd := exec.CommandContext(server.Context(), "npm", "install")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("`npm install` failed in %s: %w", dir, err)
	}
	fmt.Fprintln(stdout, "Finished installing dependencies")
	return nil
}

// About reports the node executable and its version (`pulumi about`).
func (h *nodeHost) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find `node` on PATH: %w", err)
	}
	out, err := exec.CommandContext(ctx, nodeBin, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("could not run `node --version`: %w", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: nodeBin,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
	}, nil
}

// GetProgramDependencies lists the program's package.json dependencies with
// the versions installed in node_modules (`pulumi about`, update metadata).
func (h *nodeHost) GetProgramDependencies(_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir, _ := programLocation(req.GetInfo(), req.GetPwd(), "") //nolint:staticcheck
	var pkg struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return &pulumirpc.GetProgramDependenciesResponse{}, nil // no package.json: nothing to report
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		return nil, fmt.Errorf("could not parse %s: %w", filepath.Join(dir, "package.json"), err)
	}
	wanted := map[string]string{}
	for name, v := range pkg.DevDependencies {
		wanted[name] = v
	}
	for name, v := range pkg.Dependencies {
		wanted[name] = v
	}
	names := make([]string, 0, len(wanted))
	for name := range wanted {
		names = append(names, name)
	}
	sort.Strings(names)

	resp := &pulumirpc.GetProgramDependenciesResponse{}
	for _, name := range names {
		v := wanted[name] // the declared range, unless the installed version is known
		var installed struct {
			Version string `json:"version"`
		}
		if b, err := os.ReadFile(filepath.Join(dir, "node_modules", name, "package.json")); err == nil &&
			json.Unmarshal(b, &installed) == nil && installed.Version != "" {
			v = installed.Version
		}
		resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: name, Version: v})
	}
	return resp, nil
}
