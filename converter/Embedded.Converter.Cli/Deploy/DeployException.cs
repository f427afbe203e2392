using System;

namespace Embedded.Converter.Cli.Deploy;

/// <summary>A deployment step failed: the build, ssh, scp or the service. The message names the step and what it printed.</summary>
public sealed class DeployException : Exception
{
    public DeployException(string message) : base(message) { }
}
