// Package kube uses k8s.io/client-go as a controller does: a clientset
// from a rest.Config, discovery (the server's version), a typed list of
// pods, and a get that the server answers with a NotFound Status.
package kube

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// ListPods talks to the API server at host (a URL) and reports what it
// answered. The HTTP client's idle connections are closed before it
// returns: nothing of the clientset outlives the call.
func ListPods(host string) (string, error) {
	cfg := &rest.Config{Host: host, UserAgent: "goload-peers", QPS: 1000, Burst: 1000}
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return "", fmt.Errorf("http client: %w", err)
	}
	defer hc.CloseIdleConnections()
	cs, err := kubernetes.NewForConfigAndClient(cfg, hc)
	if err != nil {
		return "", fmt.Errorf("clientset: %w", err)
	}
	var b strings.Builder
	v, err := cs.Discovery().ServerVersion()
	if err != nil {
		return "", fmt.Errorf("version: %w", err)
	}
	fmt.Fprintf(&b, "server: %s (%s.%s, %s)\n", v.GitVersion, v.Major, v.Minor, v.Platform)
	ctx := context.Background()
	pods, err := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{LabelSelector: "app=web"})
	if err != nil {
		return "", fmt.Errorf("list pods: %w", err)
	}
	fmt.Fprintf(&b, "pods: %d, resourceVersion %s\n", len(pods.Items), pods.ResourceVersion)
	for _, p := range pods.Items {
		var images []string
		for _, c := range p.Spec.Containers {
			images = append(images, c.Name+"="+c.Image)
		}
		fmt.Fprintf(&b, "pod %s/%s phase %s labels %v containers %v created %s\n", p.Namespace, p.Name,
			p.Status.Phase, p.Labels, images, p.CreationTimestamp.UTC().Format("2006-01-02T15:04:05Z"))
	}
	_, err = cs.AppsV1().Deployments("default").Get(ctx, "missing", metav1.GetOptions{})
	fmt.Fprintf(&b, "get deployment: notFound=%v err=%v\n", apierrors.IsNotFound(err), err)
	return b.String(), nil
}
